/**
 * Screening: before `udm detect` buffers an event, which event variables of which rules it can
 * fill, judged by the filters that are the same for every copy of the event (its name, its
 * action). Most events fill no variable of most rules, so each is held with only the fields
 * that the rules able to take it read, and the other rules pass it by without a second look.
 * Filters are pure, so testing them before the buffer instead of after changes no detection.
 */

import type { VariablePlan } from './analyze';
import type { RuleEvaluator } from './engine';
import { projection } from './project';
import type { UdmEvent } from './types';

export interface Screening {
  /** The variables, of all rules, whose event filters the event passes. */
  variables: ReadonlySet<VariablePlan>;
  /** Cuts an event down to what the rules of those variables, and the stream, read. */
  project: (event: UdmEvent) => UdmEvent;
}

/** Distinct screenings remembered before the memo is emptied: bounded, whatever the input. */
const MAX_SCREENINGS = 1024;

/** Variables of all rules, by bit: a set of them is a number while they fit in a double. */
const MAX_BITS = 52;

export class Screen {
  private readonly variables: { rule: RuleEvaluator; plan: VariablePlan }[];
  private readonly screenings = new Map<number | string, Screening>();

  constructor(private readonly rules: RuleEvaluator[]) {
    this.variables = rules.flatMap((rule) => rule.variables.map((plan) => ({ rule, plan })));
  }

  screen(event: UdmEvent): Screening {
    // Events of one kind (one name and outcome, say) share one screening and one projection.
    const key = this.key(event);
    let screening = this.screenings.get(key);
    if (!screening) {
      if (this.screenings.size >= MAX_SCREENINGS) this.screenings.clear();
      screening = this.screening(key);
      this.screenings.set(key, screening);
    }
    return screening;
  }

  /** Which variables the event passes, as bits of a number or, past 52, as a text of 0/1. */
  private key(event: UdmEvent): number | string {
    const { variables } = this;
    if (variables.length > MAX_BITS) {
      return variables.map(({ rule, plan }) => (rule.passes(event, plan) ? 1 : 0)).join('');
    }
    let bits = 0;
    for (let i = 0, bit = 1; i < variables.length; i++, bit *= 2) {
      if (variables[i].rule.passes(event, variables[i].plan)) bits += bit;
    }
    return bits;
  }

  /** The screening a key names: its variables are those whose bit (or character) is set. */
  private screening(key: number | string): Screening {
    const set = (i: number) =>
      typeof key === 'string' ? key[i] === '1' : Math.floor(key / 2 ** i) % 2 === 1;
    const passed = this.variables.filter((_, i) => set(i));
    const rules = new Set(passed.map(({ rule }) => rule));
    const project = projection(this.rules.filter((r) => rules.has(r)).flatMap((r) => r.fieldsRead));
    return { variables: new Set(passed.map(({ plan }) => plan)), project };
  }
}
