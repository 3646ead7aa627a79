"""Entry points: sozwatch, press-freedom monitoring for Kazakhstan. The `sozwatch` command lives in cli/."""
__version__ = "0.1.0"
