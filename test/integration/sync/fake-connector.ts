import type { Connector, WriteCommand, WriteResult } from '../../../src/model/index.js';
import type { SystemName } from '../../../src/model/index.js';

/**
 * A hand-written connector whose write-backs do what each test says: `behave` decides per
 * command, and every call is recorded with the payload the connector actually received.
 */
export class FakeConnector implements Connector {
  readonly streams = [];
  readonly operations: readonly string[] = ['fake.write'];
  readonly calls: WriteCommand[] = [];

  constructor(
    readonly system: SystemName,
    readonly connection: string,
    public behave: (command: WriteCommand, call: number) => Promise<WriteResult> = () =>
      Promise.resolve({ outcome: 'done' }),
  ) {}

  handleWebhook(): never {
    throw new Error('FakeConnector: no webhooks');
  }

  reread(): never {
    throw new Error('FakeConnector: no reread');
  }

  execute(command: WriteCommand): Promise<WriteResult> {
    this.calls.push(command);
    const call = this.calls.filter((c) => c.idempotencyKey === command.idempotencyKey).length;
    return this.behave(command, call);
  }
}

/** A promise released from outside: holds a write "in flight" for as long as a test needs. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
