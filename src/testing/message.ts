/**
 * An email or SMS the emulator "sent": what `startEmulator().messages()` returns and the control API's
 * `GET /_emulator/projects/{projectId}/messages` lists (kept free of Node types, for the test-runner entries).
 */
export interface EmulatorMessage {
  $id: string
  $createdAt: string
  channel: 'email' | 'sms'
  to: string
  subject: string
  text: string
  html: string
  data: Record<string, string>
}
