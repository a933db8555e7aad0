"""The demo scenario: what `make demo` shows on embedded defaults.

Each new capability extends it, so it always shows the product at its best. Re-running it reuses the
same data: cases already open are reported, actions already applied are not applied twice,
and a claims file already imported is not imported again.
"""

from vigie.demo.scenario import run_demo

__all__ = ["run_demo"]
