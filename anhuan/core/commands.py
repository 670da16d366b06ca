"""A base for management commands whose help texts are translated."""

from django.core.management.base import BaseCommand


class TranslatedCommand(BaseCommand):
    """A command whose ``help`` may be a lazy translation.

    argparse runs regular expressions over the description, which fail on a
    lazy string, so the help is rendered to text when the parser is built.
    """

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
