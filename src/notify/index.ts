// Notifications: delivery of logged NOTIFY_DECIDED events to webhooks (decisions live in machines/notify.ts).
export { Notifier } from './notifier.js';
