"""E-mail as an outbox channel (issue 20): daily digests and payment reminders also go to
customer contacts who gave an address and asked for e-mail, with the content of the cards."""
