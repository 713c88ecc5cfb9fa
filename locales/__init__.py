"""Translation catalogues: `<language>/<feature>.po`, read by `bot.i18n`."""
