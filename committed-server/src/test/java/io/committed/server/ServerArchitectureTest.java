package io.committed.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The node's public types expose no implementation or third-party types (STYLE.md, guideline 1). */
class ServerArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPath(classes());

  private static java.nio.file.Path classes() {
    try {
      return java.nio.file.Path.of(CommittedServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void publicSignaturesUseOnlyTheJdkAndCommittedApis() {
    noMethods().that().areDeclaredInClassesThat().resideInAPackage("io.committed.server").and().arePublic()
        .should().haveRawReturnType(com.tngtech.archunit.base.DescribedPredicate.describe("an internal or third-party type",
            (com.tngtech.archunit.core.domain.JavaClass c) -> !allowed(c)))
        .check(CLASSES);
    noMethods().that().areDeclaredInClassesThat().resideInAPackage("io.committed.server").and().arePublic()
        .should().haveRawParameterTypes(com.tngtech.archunit.base.DescribedPredicate.describe(
            "an internal or third-party type", (java.util.List<com.tngtech.archunit.core.domain.JavaClass> types) ->
                types.stream().anyMatch(c -> !allowed(c))))
        .check(CLASSES);
  }

  @Test
  void theImplementationDoesNotReachIntoCoreInternals() {
    noClasses().that().resideInAPackage("io.committed.server..")
        .should().dependOnClassesThat().resideInAnyPackage("io.committed.internal..", "io.committed.engine..")
        .check(CLASSES);
  }

  private static boolean allowed(com.tngtech.archunit.core.domain.JavaClass c) {
    String p = c.isArray() ? c.getBaseComponentType().getPackageName() : c.getPackageName();
    return c.isPrimitive() || p.startsWith("java.") || p.equals("io.committed") || p.equals("io.committed.api")
        || p.equals("io.committed.spi") || p.equals("io.committed.server");
  }
}
