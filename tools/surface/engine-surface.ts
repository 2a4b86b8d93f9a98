// Which names of `@score-nx/engine` its consumers import (issue 12: the engine's index exports only what the CLI, the
// plugin, the admission package and the tools use; test helpers live behind `@score-nx/engine/testing`).
// Read with the TypeScript parser, not a regex: named imports and re-exports, and the tools' CommonJS form
// `const { a, b } = createRequire(...)('@score-nx/engine')`.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** A name a file imports from a module, and where. */
export interface ImportedName {
  name: string;
  file: string;
}

/** Whether a repository file is test code: a test, a test-support module or a fixture. */
export function isTestFile(relative: string): boolean {
  return /\.test\.[cm]?[jt]s$/.test(relative) || /(^|\/)(test-support|__fixtures__)\//.test(relative);
}

/** The names `source` imports from `moduleName`; a namespace import or a bare require cannot be read name by name. */
export function importedNames(source: string, fileName: string, moduleName: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  const isModule = (node: ts.Node | undefined): boolean => node !== undefined && ts.isStringLiteralLike(node) && node.text === moduleName;
  // `require(m)`, `import(m)` and `createRequire(...)(m)`; any other call naming the module only mentions it.
  const isLoader = (callee: ts.Expression): boolean =>
    callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require') || ts.isCallExpression(callee);
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && isModule(node.moduleSpecifier)) {
      const bindings = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : node.exportClause;
      if (bindings === undefined || ts.isNamespaceImport(bindings) || ts.isNamespaceExport(bindings)) {
        throw new Error(`${fileName}: a namespace import of ${moduleName} hides which names it uses; import them by name`);
      }
      for (const element of bindings.elements) names.push((element.propertyName ?? element.name).text);
    } else if (ts.isCallExpression(node) && isLoader(node.expression) && node.arguments.some(isModule)) {
      let parent: ts.Node = node.parent;
      while (ts.isAwaitExpression(parent) || ts.isParenthesizedExpression(parent)) parent = parent.parent;
      if (!ts.isVariableDeclaration(parent) || !ts.isObjectBindingPattern(parent.name)) {
        throw new Error(`${fileName}: a require or import() of ${moduleName} must destructure the names it uses`);
      }
      for (const element of parent.name.elements) {
        const key = element.propertyName ?? element.name;
        if (!ts.isIdentifier(key)) throw new Error(`${fileName}: a computed or nested binding of ${moduleName}`);
        names.push(key.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

/** Every TypeScript or JavaScript file under `dir`, relative to `root`, sorted; dist and node_modules left out. */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(child);
      } else if (/\.(?:[cm]?ts|[cm]?js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push(child);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** The names every file in `files` (relative to `root`) imports from `moduleName`. */
export function namesImportedBy(root: string, files: readonly string[], moduleName: string): ImportedName[] {
  return files.flatMap((file) =>
    importedNames(readFileSync(path.join(root, file), 'utf8'), file, moduleName).map((name) => ({ name, file })),
  );
}

/** The names a module exports, `export *` followed, read by the type checker. */
export function exportedNames(entry: string): string[] {
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    noEmit: true,
    skipLibCheck: true,
    noResolve: false,
  });
  const file = program.getSourceFile(entry);
  if (file === undefined) throw new Error(`cannot read ${entry}`);
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(file);
  if (symbol === undefined) throw new Error(`${entry} is not a module`);
  return checker.getExportsOfModule(symbol).map((s) => s.name).sort();
}
