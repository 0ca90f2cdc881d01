/** What to type after generating, per target. */
import { findTarget } from './catalogue.js';
import type { Answers } from './plan.js';
import { cdCommand } from './shell.js';

export function nextSteps(answers: Answers): string[] {
  const target = findTarget(answers.target)!;
  const steps = [cdCommand(answers.directory)];
  if (target.kind === 'bare-metal') {
    steps.push(`rustup target add ${target.triple}   # once: this target's precompiled core`);
  }
  const run = answers.template === 'hello' && target.runnable ? 'cargo run --release' : 'cargo build --release';
  if (target.kind === 'host' && target.id !== 'host' && target.id !== 'linux') {
    steps.push(`${run}   # on ${target.id === 'windows' ? 'Windows' : 'macOS'}`);
  } else {
    steps.push(run);
  }
  steps.push(target.kind === 'bare-metal'
    ? 'cargo test --lib --target "$(rustc -vV | sed -n \'s/^host: //p\')"   # the library\'s tests, on this machine'
    : 'cargo test');
  return steps;
}
