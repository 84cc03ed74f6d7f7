import type { ChannelAdapters, OutboundMessage } from './port';

/**
 * The deployed adapters. SMS: SNS Publish to a phone number (transactional, with the sender id the
 * stack configures), never to a topic. E-mail: SES v2 SendEmail from the configured address, in the
 * configuration set that counts bounces and complaints. The SDKs load on first use.
 */
export function awsChannels(): ChannelAdapters {
  return { sms: snsSms(), email: sesEmail() };
}

function snsSms() {
  const sdk = import('@aws-sdk/client-sns');
  let client: import('@aws-sdk/client-sns').SNSClient | undefined;
  return {
    async send(message: OutboundMessage) {
      const { SNSClient, PublishCommand } = await sdk;
      client ??= new SNSClient({});
      const senderId = process.env.SMS_SENDER_ID;
      const result = await client.send(
        new PublishCommand({
          PhoneNumber: message.to,
          Message: `${message.subject}\n${message.text}`,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            ...(senderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: senderId } } : {}),
          },
        }),
      );
      return { providerId: result.MessageId };
    },
  };
}

function sesEmail() {
  const sdk = import('@aws-sdk/client-sesv2');
  let client: import('@aws-sdk/client-sesv2').SESv2Client | undefined;
  return {
    async send(message: OutboundMessage) {
      const from = process.env.EMAIL_FROM;
      if (!from) throw new Error('EMAIL_FROM is not set: the stack configures the sending address');
      const { SESv2Client, SendEmailCommand } = await sdk;
      client ??= new SESv2Client({});
      const result = await client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [message.to] },
          ConfigurationSetName: process.env.EMAIL_CONFIGURATION_SET || undefined,
          Content: { Simple: { Subject: { Data: message.subject, Charset: 'UTF-8' }, Body: { Text: { Data: message.text, Charset: 'UTF-8' } } } },
          EmailTags: [{ Name: 'reference', Value: message.reference.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) }],
        }),
      );
      return { providerId: result.MessageId };
    },
  };
}
