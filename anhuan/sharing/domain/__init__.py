"""Pure rules of information sharing: state machines and checks without the database."""
