// Jest's node environment, quiet when tests pass: console output (CDK warnings, progress lines) is held back and
// printed only with a failing test (the output of that test, and of the file's module code and hooks), so that a
// passing run prints a summary and a failing one shows everything that explains it. TEST_CONSOLE=all prints it all.
const { TestEnvironment } = require('jest-environment-node');

// CDK's CloudFormation validation engine (WebAssembly) takes ~10 s of CPU to build for the reference deployment's
// resource types. The CDK keeps one per process, but jest gives every test file a fresh module registry, so each
// file built it again. The worker keeps the module and its engines here, outside the registries, and the test
// files get them through test/helpers/cfn-validate-shared.js (jest.config.js moduleNameMapper). An engine is
// reused only for an identical configuration, and the CDK's free() of a shared engine is a no-op.
let sharedCfnValidate;
function cfnValidate() {
  if (sharedCfnValidate) return sharedCfnValidate;
  const real = require(require.resolve('@aws/cloudformation-validate', { paths: [require.resolve('aws-cdk-lib')] }));
  const engines = new Map();
  class CompositeEngine {
    constructor(config) {
      const key = JSON.stringify(config);
      if (!engines.has(key)) engines.set(key, new real.CompositeEngine(config));
      const engine = engines.get(key);
      return new Proxy(engine, {
        get: (target, prop) =>
          prop === 'free' ? () => undefined : typeof target[prop] === 'function' ? target[prop].bind(target) : target[prop],
      });
    }
  }
  sharedCfnValidate = Object.assign(Object.create(null), real, { CompositeEngine });
  return sharedCfnValidate;
}

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table', 'group', 'groupCollapsed', 'groupEnd'];

class QuietEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    this.global.__hipaaStackCfnValidate = cfnValidate();
    if (process.env.TEST_CONSOLE === 'all') return;
    const real = this.global.console;
    this.real = real;
    this.fileOutput = [];
    this.testOutput = undefined;
    const quiet = Object.create(real);
    for (const m of METHODS) {
      if (typeof real[m] !== 'function') continue;
      quiet[m] = (...args) => (this.testOutput ?? this.fileOutput).push([m, args]);
    }
    this.global.console = quiet;
  }

  print(entries) {
    for (const [m, args] of entries) this.real[m](...args);
  }

  handleTestEvent(event, state) {
    if (!this.real) return;
    if (event.name === 'test_start') this.testOutput = [];
    else if (event.name === 'test_done') {
      if (event.test.errors.length > 0) {
        this.print(this.fileOutput);
        this.fileOutput = [];
        this.print(this.testOutput ?? []);
      }
      this.testOutput = undefined;
    } else if (event.name === 'run_finish' && state.unhandledErrors.length > 0) {
      this.print(this.fileOutput);
      this.fileOutput = [];
    }
  }
}

module.exports = QuietEnvironment;
