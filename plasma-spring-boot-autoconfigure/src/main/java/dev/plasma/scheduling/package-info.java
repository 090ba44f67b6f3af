/**
 * The private cron scheduler each of Plasma's background jobs (compaction, client-group cleanup) runs on.
 */
@NullMarked
package dev.plasma.scheduling;

import org.jspecify.annotations.NullMarked;
