package io.committed.sync.kafka;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The Kafka syncable is reached only through its factory, depends on committed-api alone (no core),
 * and waits without sleeping (STYLE.md, guidelines 1 and 8).
 */
class KafkaArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.committed.sync.kafka");

  @Test
  void theFactoryIsTheOnlyPublicTypeOutsideInternal() {
    classes().that().arePublic().and().resideOutsideOfPackage("..internal..").should()
        .haveFullyQualifiedName(KafkaSyncableFactory.class.getName()).check(CLASSES);
  }

  @Test
  void itDependsOnTheApiNotOnCore() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("io.committed", "io.committed.internal..",
        "io.committed.engine..").check(CLASSES);
  }

  @Test
  void nothingWaitsBySleepingOrParking() {
    noClasses().should().callMethodWhere(DescribedPredicate.describe("Thread.sleep or LockSupport.park*",
            (JavaMethodCall call) -> call.getTarget().getOwner().isEquivalentTo(Thread.class) && call.getName().equals("sleep")
                || call.getTarget().getOwner().isEquivalentTo(LockSupport.class) && call.getName().startsWith("park")))
        .check(CLASSES);
  }
}
