// Given/when/then specifications for the deciders in machines/, in the style of emmett's DeciderSpecification:
// `given(events).when(command).then(expectedEvents)` or `.thenThrows(code, message?)`. The state is built by
// folding the given events with the decider's own evolve, from its initial state; nothing is mocked.
import { expect } from 'vitest';
import type { RunEvent } from '../../machines/index.js';

export interface Decider<Command, State, Decision> {
  decide(command: Command, state: State): Decision;
  evolve(state: State, event: RunEvent): State;
  initialState(): State;
}

/** The events a decision appends: the decision itself when it is a list, else its `events`. */
function eventsOf(decision: unknown): RunEvent[] {
  return Array.isArray(decision) ? (decision as RunEvent[]) : (decision as { events: RunEvent[] }).events;
}

export interface Then<Decision> {
  /** The decision appends exactly these events, in this order. */
  then(expected: RunEvent[]): void;
  /** The whole decision (events and what follows) matches. */
  thenDecides(expected: Partial<Decision>): void;
  /** The command is refused with a PhasedError of this code (and a message matching `message`). */
  thenThrows(code: string, message?: RegExp): void;
}

export function DeciderSpecification<Command, State, Decision>(d: Decider<Command, State, Decision>) {
  return (given: RunEvent[] = []) => ({
    when(command: Command): Then<Decision> {
      const decide = () => d.decide(command, given.reduce(d.evolve, d.initialState()));
      return {
        // biome-ignore lint/suspicious/noThenProperty: emmett's given/when/then wording; never awaited.
        then(expected) {
          expect(eventsOf(decide())).toEqual(expected);
        },
        thenDecides(expected) {
          expect(decide()).toMatchObject(expected as object);
        },
        thenThrows(code, message) {
          let thrown: unknown;
          try {
            decide();
          } catch (err) {
            thrown = err;
          }
          expect(thrown, 'the command was not refused').toBeDefined();
          expect(thrown).toMatchObject({ code });
          if (message) expect((thrown as Error).message).toMatch(message);
        },
      };
    },
  });
}
