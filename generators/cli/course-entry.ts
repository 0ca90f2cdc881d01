/**
 * The course's own entry (`course`, `check`): the create command hands the
 * process over before installing anything, so the course's signal handlers and
 * error words are those of the modules it runs on. Bundled apart from the
 * create command (dist/course.cjs), so a scaffold does not parse it.
 */
import { runCourseCommand } from './course.js';
import { runCommand } from './run.js';

export const run = (argv: string[]): void => runCommand(argv, runCourseCommand);
