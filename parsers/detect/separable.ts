/**
 * Which rules can judge a window per match key, and which without its tuples. When the event
 * variables of a rule join only through match variables, the tuples of one group are every
 * combination of its variables' members, so whether the condition holds depends only on which
 * events each variable has: `$dis and !$en` over n disables and m enables asks two questions,
 * not n × m. The condition may also read outcomes that can be kept up to date as events enter
 * and leave a window (see keyed.ts); tuples are built only for a group whose condition holds.
 */

import { children, type Expr, type ExprOf, walk } from '../yaral/ast';
import type { CompiledRule } from './run';

/** An outcome the condition reads, aggregated over the members of one variable. */
export interface RunningOutcome {
  name: string;
  fn: 'count_distinct' | 'max' | 'min' | 'count';
  arg: ExprOf<'aggregate'>['arg'];
  variable: string;
}

/** How a rule's open windows are kept per match key (see members.ts). */
export interface KeyedPlan {
  /** The variables in the order tuples are built: required ones first. */
  order: string[];
  required: string[];
  /**
   * Placeholders two variables share outside `match` (the BYOK rule's principal): a key's
   * members are also counted per value of them, as a tuple needs one on every side.
   */
  subKey: string[];
  /** Set when the condition can be judged from running counts, without tuples. */
  running?: RunningCondition;
  /**
   * Set when a firing window's outcomes can be computed from each variable's members rather
   * than from every combination of them: per aggregation, the variable it reads (undefined:
   * none, or the rule has one variable and its members are its tuples).
   */
  factored?: Map<ExprOf<'aggregate'>, string | undefined>;
}

export interface RunningCondition {
  outcomes: RunningOutcome[];
  /** Placeholders the condition counts (`#ph`): distinct values over the group's rows. */
  counted: string[];
}

/**
 * The plan when a rule's windows can be judged per match key: every variable binds every match
 * variable and every placeholder another variable shares. The condition runs on counts when,
 * besides, no predicate joins two variables, no placeholder is shared outside `match`, some
 * variable is required and each outcome the condition reads is a running aggregate; otherwise
 * a window whose anchor has a partner on every side is judged from tuples.
 */
export function keyedPlan(c: CompiledRule): KeyedPlan | undefined {
  if (c.tuplesOnly || !c.rule.condition) return undefined;
  const binders = new Map<string, string[]>();
  for (const v of c.plan.variables) {
    for (const ph of new Set(v.bindings.map((b) => b.placeholder))) {
      binders.set(ph, [...(binders.get(ph) ?? []), v.name]);
    }
  }
  const shared = [...binders].filter(([, vars]) => vars.length > 1).map(([ph]) => ph);
  const subKey = shared.filter((ph) => !c.matchVars.includes(ph));
  const joined = [...c.matchVars, ...subKey];
  if (!joined.every((ph) => binders.get(ph)?.length === c.plan.variables.length)) {
    return undefined;
  }
  const required = c.plan.variables.filter((v) => !c.plan.optional.has(v.name)).map((v) => v.name);
  const optional = c.plan.variables.filter((v) => c.plan.optional.has(v.name)).map((v) => v.name);
  const plan: KeyedPlan = { order: [...required, ...optional], required, subKey };
  const joinsOnKeys = !subKey.length && !c.plan.tuplePredicates.length;
  if (joinsOnKeys && required.length) plan.running = conditionReads(c, binders);
  if (!c.plan.tuplePredicates.length) plan.factored = factoredOutcomes(c, binders, subKey);
  return plan;
}

/** Aggregations whose result does not change when tuples repeat a member. */
const UNREPEATED = new Set(['max', 'min', 'count_distinct', 'array_distinct']);

/**
 * Per aggregation of the outcomes, the one variable it reads, when every aggregation reads at
 * most one and ignores repetition, and nothing outside an aggregation reads an event: then the
 * members of each variable give the values every combination of them would. With one variable
 * the members are the tuples, so anything goes.
 */
function factoredOutcomes(
  c: CompiledRule,
  binders: Map<string, string[]>,
  subKey: string[],
): Map<ExprOf<'aggregate'>, string | undefined> | undefined {
  const factored = new Map<ExprOf<'aggregate'>, string | undefined>();
  const single = c.plan.variables.length === 1;
  // Match and sub-key placeholders hold one value per group or sub-group on every side.
  const keyed = new Set([...c.matchVars, ...subKey]);
  for (const o of c.rule.outcome) {
    for (const node of outsideAggregates(o.expr)) {
      if (node.kind === 'field' || node.kind === 'count') return undefined;
      if (node.kind === 'variable' && binders.has(node.name) && !keyed.has(node.name)) {
        return undefined;
      }
    }
    for (const agg of walk(o.expr).filter((n) => n.kind === 'aggregate')) {
      if (single) {
        factored.set(agg, undefined);
        continue;
      }
      if (!UNREPEATED.has(agg.fn)) return undefined;
      const variables = new Set<string>();
      for (const node of walk(agg.arg)) {
        if (node.kind === 'field') variables.add(node.variable);
        if (node.kind === 'variable' && !keyed.has(node.name)) {
          binders.get(node.name)?.forEach((v) => variables.add(v));
        }
      }
      if (variables.size > 1) return undefined;
      factored.set(agg, [...variables][0]);
    }
  }
  return factored;
}

/** The nodes of an expression that lie outside every aggregation in it. */
function outsideAggregates(e: Expr): Expr[] {
  if (e.kind === 'aggregate') return [];
  return [e, ...children(e).flatMap(outsideAggregates)];
}

function conditionReads(
  c: CompiledRule,
  binders: Map<string, string[]>,
): RunningCondition | undefined {
  const eventVars = new Set(c.plan.variables.map((v) => v.name));
  const outcomes: RunningOutcome[] = [];
  const counted = new Set<string>();
  for (const node of walk(c.rule.condition!)) {
    if (node.kind !== 'variable' && node.kind !== 'count') continue;
    if (eventVars.has(node.name)) continue;
    // risk_score reads its default when the rule declares none: kept on the tuple path.
    if (node.name === 'risk_score') return undefined;
    const o = c.rule.outcome.find((x) => x.name === node.name);
    if (!o) {
      if (node.kind === 'count') counted.add(node.name);
      continue;
    }
    if (node.kind === 'count') continue;
    const running = runningOutcome(c, o.name, o.expr, binders);
    if (!running) return undefined;
    outcomes.push(running);
  }
  return { outcomes, counted: [...counted] };
}

/**
 * An outcome kept while events enter and leave: an aggregate whose result does not depend on
 * how many tuples repeat a member (count only with one variable), over fields and placeholders
 * of one required variable.
 */
function runningOutcome(
  c: CompiledRule,
  name: string,
  expr: ExprOf<'aggregate'>['arg'],
  binders: Map<string, string[]>,
): RunningOutcome | undefined {
  if (expr.kind !== 'aggregate') return undefined;
  const fn = expr.fn;
  const single = c.plan.variables.length === 1;
  if (fn !== 'count_distinct' && fn !== 'max' && fn !== 'min' && !(fn === 'count' && single)) {
    return undefined;
  }
  const variables = new Set<string>();
  const outcomes = new Set(c.rule.outcome.map((o) => o.name));
  for (const node of walk(expr.arg)) {
    if (node.kind === 'aggregate' || node.kind === 'count') return undefined;
    if (node.kind === 'field') variables.add(node.variable);
    if (node.kind !== 'variable') continue;
    if (outcomes.has(node.name)) return undefined;
    if (c.matchVars.includes(node.name)) continue;
    const by = binders.get(node.name);
    if (!by) return undefined;
    by.forEach((v) => variables.add(v));
  }
  if (variables.size !== 1) return undefined;
  const [variable] = variables;
  if (c.plan.optional.has(variable)) return undefined;
  return { name, fn, arg: expr.arg, variable };
}
