// Checks of a command's file argument before it opens the database: a missing file, a folder or a
// folder that does not exist is the user's mistake, said in one line (exit code 2), not an errno.
import { stat } from 'node:fs/promises';
import path from 'node:path';

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Why `file` cannot be read as a file, or undefined when it can be tried. */
export async function inputFileProblem(file: string): Promise<string | undefined> {
  if (file.trim() === '') return 'a file name is required';
  try {
    if ((await stat(file)).isDirectory()) return `${file}: is a folder, not a file`;
    return undefined;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return `${file}: no such file`;
    if (code === 'EACCES') return `${file}: not allowed to read it`;
    if (code === 'ENAMETOOLONG') return 'the file name is too long';
    throw error;
  }
}

/** Why `file` cannot be written (a folder, or in a folder that does not exist), or undefined. */
export async function outputFileProblem(file: string): Promise<string | undefined> {
  if (file.trim() === '') return 'a file name is required';
  try {
    if ((await stat(file)).isDirectory()) return `${file}: is a folder; name a file to write`;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENAMETOOLONG') return 'the file name is too long';
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
  const folder = path.dirname(path.resolve(file));
  try {
    if (!(await stat(folder)).isDirectory()) return `${file}: ${folder} is not a folder`;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return `${file}: the folder ${folder} does not exist`;
    throw error;
  }
  return undefined;
}
