"""outputs/: what is made from the whole rendered site: feeds, exports, search index, link check."""
