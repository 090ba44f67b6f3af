/**
 * What differs between the supported databases (H2, PostgreSQL, MariaDB): trigger DDL, upserts, locks and
 * the database clock, detected once per data source.
 */
@NullMarked
package dev.plasma.dialect;

import org.jspecify.annotations.NullMarked;
