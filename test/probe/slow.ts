export const handler = async () => new Promise((resolve) => setTimeout(resolve, 3000));
