"""The local test harness shared by the tests, `make demo` and `make bench`, one module a job.

* samples: the sample events of examples/events, and which are root activity.
* invoke: run the handler as Lambda would, with one fake context (also as a command, in a fresh
  interpreter: how the deployed package and the cold-start benchmark run).
* network: a free loopback port.
* emulator: moto's server as AWS, on loopback.
* deployment: an example applied to the emulator from a temporary copy of the repository.
* deployed: what an applied example deployed, read back: its rules and its function.
"""
