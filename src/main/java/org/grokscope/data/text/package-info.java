/**
 * Labelled text: readers for IMDB, Yelp, CSV and JSON Lines (streamed, file:line errors), tar streaming, the word and
 * WordPiece tokenizers, the token cache and the archive fetcher. Produces {@link org.grokscope.data.Dataset}s; may use
 * data and the engine.
 */
package org.grokscope.data.text;
