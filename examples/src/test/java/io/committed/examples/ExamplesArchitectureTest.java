package io.committed.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The examples, and their tests, are written as a user writes them: with Committed's public API only. */
class ExamplesArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter().importPackages("io.committed.examples");

  @Test
  void noExampleOrExampleTestReachesIntoCommittedsInternals() {
    noClasses().that().resideInAPackage("io.committed.examples..")
        .should().dependOnClassesThat().resideInAnyPackage("io.committed.internal..", "io.committed.engine..")
        .check(CLASSES);
  }
}
