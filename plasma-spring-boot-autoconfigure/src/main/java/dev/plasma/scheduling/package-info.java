/**
 * The private cron scheduler each of Plasma's background jobs (compaction, client-group cleanup) runs on,
 * and the daemon worker thread of the continuous loops (the sequencer, the region lease).
 */
@NullMarked
package dev.plasma.scheduling;

import org.jspecify.annotations.NullMarked;
