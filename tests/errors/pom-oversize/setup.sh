# 5 MiB of XML: too large to commit, made here
{ echo "<project>"; head -c 5242880 /dev/zero | tr "\\0" " "; echo "</project>"; } > pom.xml
