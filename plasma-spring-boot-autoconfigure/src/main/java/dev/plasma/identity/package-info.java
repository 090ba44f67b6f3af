/**
 * Who is asking: the {@link dev.plasma.identity.SyncUserResolver} SPI that names the user of each sync
 * request, with resolvers for Spring Security and for applications without users.
 */
@NullMarked
package dev.plasma.identity;

import org.jspecify.annotations.NullMarked;
