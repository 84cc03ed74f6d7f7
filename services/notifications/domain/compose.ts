import type { Language } from './format';
import type { Message } from './notice';

/**
 * What goes out on a channel: the notice in the person's language (Chinese unless they chose
 * English), signed so that an SMS says who sent it.
 */
export const SIGNATURE: Record<Language, string> = { zh: '【共治】', en: '[gongzhi] ' };

export function compose(message: Message, language: Language): { subject: string; text: string } {
  const text = message[language] ?? message.zh;
  return { subject: `${SIGNATURE[language]}${text.title}`, text: text.body };
}

/** A day's low-urgency notices as one message. */
export function composeDigest(titles: readonly Record<Language, string>[], language: Language): { subject: string; text: string } {
  const lines = titles.map((t, i) => `${i + 1}. ${t[language] ?? t.zh}`);
  return language === 'zh'
    ? { subject: `${SIGNATURE.zh}今日通知摘要（${titles.length} 条）`, text: `${lines.join('\n')}\n详情请在应用中查看。` }
    : { subject: `${SIGNATURE.en}Today’s notices (${titles.length})`, text: `${lines.join('\n')}\nRead them in the app.` };
}
