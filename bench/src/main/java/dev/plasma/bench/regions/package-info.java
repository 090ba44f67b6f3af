/**
 * Sequencing throughput of one region against two regions on one database (issue 13).
 */
@NullMarked
package dev.plasma.bench.regions;

import org.jspecify.annotations.NullMarked;
