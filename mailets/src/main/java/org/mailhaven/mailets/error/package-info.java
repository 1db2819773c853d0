/**
 * Mail that an unexpected failure stopped on its way: kept in var/mail/error/, reported, and
 * handled by the administrator with bin/james-cli (ListErrors, ShowError, RetryError,
 * DeleteError, BounceError).
 */
package org.mailhaven.mailets.error;
