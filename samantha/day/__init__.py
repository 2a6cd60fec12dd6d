"""Her day job, pure: requests recognised in a sentence, times read in the user's zone, and
how she says them back. No clocks, storage or models here: "now" and the zone are given."""
