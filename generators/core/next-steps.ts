/** What to type after generating: the README's own commands, in order. */
import { resolve } from 'node:path';
import { findTarget } from './catalogue.js';
import { onlyRunsOn, type ProjectPlan } from './plan.js';
import { cdCommand } from './shell.js';

export function nextSteps(plan: ProjectPlan, directory: string, cwd = process.cwd()): string[] {
  const { commands, exits, runnable } = plan.context;
  const where = onlyRunsOn(findTarget(plan.context.target.id)!);
  // A program that loops forever is built, not started, by the next steps.
  const start = exits && runnable ? commands.run : commands.build;
  return [
    // Written into the current directory (`.`, `./`, "$PWD"): already there, no `cd` to type.
    ...(resolve(cwd, directory) === resolve(cwd) ? [] : [cdCommand(directory)]),
    // A member whose root lacks panic = "abort" would fail every build below until the root is edited.
    ...(commands.first ? [`# ${commands.first}`] : []),
    ...commands.setup.map((step) => `${step.command}   # ${step.why}`),
    where ? `${start}   # ${where}` : start,
    // The tests build the crate too, so its build.rs links for that OS only.
    ...(commands.test ? [where ? `${commands.test}   # ${where}` : commands.test] : []),
  ];
}
