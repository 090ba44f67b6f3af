package dev.plasma.mutation;

/**
 * Checks what a mutation wrote, after its mutator ran and before the push commits, inside the mutation's
 * savepoint and transaction: throwing {@link MutationDeniedException} undoes the mutation and fails it as
 * {@code denied}. Every bean of this type is applied, in order.
 */
@FunctionalInterface
public interface MutationCheck {

	/**
	 * Checks a mutation's writes.
	 * @param context the mutation
	 * @throws MutationDeniedException when the user may not make these writes
	 */
	void check(MutationContext context);

}
