/**
 * The training loop ({@link org.grokscope.train.Trainer}: forward, loss, backward, penalties, update; events to
 * listeners), the optimizers (AdamW, Adam, SGD, normalized GD) and their wrappers (⊥Grad, Grokfast), penalties and
 * initialization. May use nn, data and the engine; knows nothing of files, configs or the command line.
 */
package org.grokscope.train;
