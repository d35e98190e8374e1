/**
 * Readers of IAM policy documents (resolved JSON), shared by the HIPAA.Strict rules (templates) and the runtime
 * tools (the deployed policies live-verify reads): one definition of "denies requests without TLS".
 */

/** Statements of a resolved policy document. */
export function statements(doc: unknown): Array<Record<string, unknown>> {
  const s = (doc as { Statement?: unknown } | undefined)?.Statement;
  return Array.isArray(s) ? (s as Array<Record<string, unknown>>) : s ? [s as Record<string, unknown>] : [];
}

/** Whether a policy document denies every request made without TLS (`aws:SecureTransport` false). */
export function deniesInsecureTransport(doc: unknown): boolean {
  return statements(doc).some((st) => {
    const cond = st.Condition as Record<string, Record<string, unknown>> | undefined;
    const principal = st.Principal;
    const anyone = principal === '*' || (typeof principal === 'object' && (principal as { AWS?: unknown }).AWS === '*');
    return st.Effect === 'Deny' && anyone && String(cond?.Bool?.['aws:SecureTransport']) === 'false';
  });
}
