/** The environment variable naming this test run's scratch directory (shared assemblies, temporary apps). */
export const RUN_DIR_ENV = 'HIPAA_STACK_TEST_RUN_DIR';
