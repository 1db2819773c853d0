/**
 * How mail we send shows who sent it: DKIM signatures of the local domains and their keys'
 * administration.
 */
package org.mailhaven.mailets.identity;
