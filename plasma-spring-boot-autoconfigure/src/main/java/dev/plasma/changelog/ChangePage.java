package dev.plasma.changelog;

import java.util.List;

/**
 * A page of sequenced change-log entries.
 *
 * @param entries the entries, in version order
 * @param complete whether the page holds every entry of the range it was read from ({@code false} when
 * the entry count or size budget cut it short)
 */
public record ChangePage(List<ChangeEntry> entries, boolean complete) {
}
