"""Atlas platform library: the only code the services share."""
