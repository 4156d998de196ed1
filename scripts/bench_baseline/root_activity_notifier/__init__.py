"""The yardstick of `make bench`: the least a root-activity handler can do, standard library only."""
