/**
 * The de-duplication ledger, {@code _plasma_client_mutations}: the last mutation ID processed per client,
 * which makes every mutation run at most once; and its sequenced confirmations,
 * {@code _plasma_client_confirmations}.
 */
@NullMarked
package dev.plasma.ledger;

import org.jspecify.annotations.NullMarked;
