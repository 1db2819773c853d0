# Shared by bin/james and bin/james-cli: locate the installation and a Java 17+ runtime.
# Sourced, not executed.

MAILHAVEN_HOME=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export MAILHAVEN_HOME

# Java: $JAVA_HOME/bin/java if JAVA_HOME is set, else the first java on the PATH.
find_java() {
    if [ -n "${JAVA_HOME:-}" ]; then
        JAVA="$JAVA_HOME/bin/java"
    else
        JAVA=$(command -v java || true)
    fi
    if [ -z "$JAVA" ] || [ ! -x "$JAVA" ]; then
        echo "Java 17 or newer is needed: install it (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME." >&2
        exit 1
    fi
    local version major
    version=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
    major=${version%%.*}
    if ! [ "$major" -ge 17 ] 2>/dev/null; then
        echo "Java 17 or newer is needed, $JAVA is version ${version:-unknown}. Set JAVA_HOME to a newer one." >&2
        exit 1
    fi
}
