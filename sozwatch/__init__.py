"""sozwatch: press-freedom monitoring for Kazakhstan. The `sozwatch` command lives in cli.py."""
__version__ = "0.1.0"
