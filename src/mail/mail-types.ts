// What flows ask for ("send this kind of email to this person") and what the renderer in
// interactions/emails returns. Flows never build message bodies themselves.
export type MailTemplate =
  | 'activation'
  | 'registration_attempt'
  | 'password_reset'
  | 'password_changed'
  | 'account_locked'
  | 'email_change'
  | 'email_change_notice'
  | 'email_changed'
  | 'account_deleted'
  | 'password_reset_sms';

export type Channel = 'email' | 'sms';

export interface MailRequest {
  template: MailTemplate;
  /** An email address, or a phone number for the sms channel. */
  to: string;
  channel?: Channel;
  locale: string;
  /** Values the template shows: links, codes, the service name. */
  data: Record<string, string>;
}

export interface RenderedMail { subject: string; html: string; text: string }

export type MailRenderer = (template: MailTemplate, locale: string, data: Record<string, string>) => Promise<RenderedMail>;

export interface Mailer {
  /** Stores the message durably; it is delivered by the outbox worker, retried until sent. */
  send(request: MailRequest): Promise<void>;
}
