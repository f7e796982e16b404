"""The operations every entry point shares (rule 2): one module per record kind.

An operation takes a session and the acting person, checks permissions and rules, writes the
change, its journal entries, its notifications and its change-feed row, in one transaction.
"""
