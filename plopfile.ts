/**
 * The plop pack: `plop.load('create-freestanding')` in a monorepo's plopfile,
 * or `plop` in this folder. It registers the same generator the CLI runs;
 * files are rendered by our own strict, non-escaping Handlebars, not plop's.
 */
import { isAbsolute, resolve } from 'node:path';
import type { NodePlopAPI } from 'node-plop';
import { questions } from './generators/core/questions.js';
import { findTarget, type Edition, type TemplateName } from './generators/core/catalogue.js';
import { crateNameProblem, suggestCrateName } from './generators/core/crate-name.js';
import { generateFiles, generatorDescription, generatorName } from './generators/core/freestanding.js';
import { writeProject } from './generators/io/write.js';
import { planWorkspaceEdit } from './generators/io/workspace.js';

type PlopAnswers = Record<'directory' | 'target' | 'template' | 'edition' | 'name', string> & { force?: boolean };

export default function freestandingPlopPack(plop: NodePlopAPI): void {
  plop.setGenerator(generatorName, {
    description: generatorDescription,
    prompts: [
      ...questions.map((question) => (question.choices
        ? { type: 'list', name: question.key, message: question.message, default: question.defaultValue, choices: question.choices.map(({ name, value }) => ({ name, value })) }
        : { type: 'input', name: question.key, message: question.message, default: question.defaultValue })),
      {
        type: 'input', name: 'name', message: 'Crate name',
        default: (answers: PlopAnswers) => suggestCrateName(answers.directory.split(/[\\/]/).pop() ?? ''),
        validate: (name: string) => crateNameProblem(name) ?? true,
      },
    ],
    actions: [
      async (raw) => {
        const answers = raw as PlopAnswers;
        if (!findTarget(answers.target)) throw new Error(`unknown target ${answers.target}`);
        const problem = crateNameProblem(answers.name);
        if (problem) throw new Error(`invalid crate name: ${problem}`);
        const directory = isAbsolute(answers.directory) ? answers.directory : resolve(plop.getDestBasePath(), answers.directory);
        const files = generateFiles({
          directory, name: answers.name, target: answers.target,
          template: answers.template as TemplateName, edition: answers.edition as Edition, linkArgs: 'build-rs',
        });
        const workspace = await planWorkspaceEdit(directory);
        await writeProject(directory, files, Boolean(answers.force), workspace);
        const added = workspace?.contents ? `; added to workspace.members in ${workspace.manifest}` : '';
        const note = workspace?.profileWarning ? ` (note: ${workspace.profileWarning})` : '';
        return `${files.length} files in ${directory}${added}${note}`;
      },
    ],
  });
}
