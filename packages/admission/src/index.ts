export { checkCelRules, evaluate, fieldPathSegments, toCelValue, PER_CALL_COST_LIMIT, RUNTIME_COST_BUDGET } from './crd-rules';
export type { CelRule, SchemaNode } from './crd-rules';
export { KUBERNETES_CEL_FUNCS, kubernetesCelEnv } from './cel-library';
export type { Finding, FindingSource } from './finding';
export { parseQuantity, compareQuantity } from './quantity';
export { checkResource } from './check-resource';
export { checkNative, selectorMatches } from './native';
export { checkReferences } from './references';
export type { ProvidedObject, RenderFinding } from './references';
