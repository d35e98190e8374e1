// @aws/cloudformation-validate as the test files see it: the worker's one instance, with its engines kept across
// test files (test/helpers/quiet-environment.js).
module.exports =
  globalThis.__hipaaStackCfnValidate ??
  require(require.resolve('@aws/cloudformation-validate', { paths: [require.resolve('aws-cdk-lib')] }));
