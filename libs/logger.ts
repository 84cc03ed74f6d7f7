import { Logger } from '@aws-lambda-powertools/logger';

const loggers = new Map<string, Logger>();

/** Structured JSON logs (Powertools), one logger per service. POWERTOOLS_LOG_LEVEL sets the level. */
export function logger(service: string): Logger {
  let found = loggers.get(service);
  if (!found) {
    found = new Logger({ serviceName: `gongzhi-${service}` });
    loggers.set(service, found);
  }
  return found;
}
