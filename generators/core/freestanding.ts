/**
 * The generator, defined once: its questions and a pure function from answers
 * to rendered files. The CLI and plop (plopfile.ts) both run exactly this.
 */
import { questions } from './questions.js';
import { planProject, type Answers } from './plan.js';
import { renderPlan, type RenderedFile } from './render.js';

export const generatorName = 'freestanding';
export const generatorDescription = 'A freestanding Rust binary (#![no_std], #![no_main]) for a host OS or a bare-metal target';

export { questions };

export function generateFiles(answers: Answers): RenderedFile[] {
  return renderPlan(planProject(answers));
}
