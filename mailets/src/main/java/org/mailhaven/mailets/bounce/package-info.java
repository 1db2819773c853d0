/**
 * Reports to the sender of mail that could not be delivered.
 */
package org.mailhaven.mailets.bounce;
