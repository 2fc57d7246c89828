package io.committed.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * The testkit is used by plug-in authors: its public signatures carry Committed's public types and
 * the JDK's (and JUnit's), never core's internals, which it may use inside (STYLE.md, guideline 1).
 */
class TestkitArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.committed.testkit");

  private static boolean exposable(JavaClass type) {
    JavaClass t = type.isArray() ? type.getBaseComponentType() : type;
    String p = t.getPackageName();
    return t.isPrimitive() || p.startsWith("java.") || p.startsWith("org.junit.") || p.equals("io.committed")
        || p.equals("io.committed.api") || p.equals("io.committed.spi") || p.equals("io.committed.testkit");
  }

  private static final ArchCondition<JavaCodeUnit> MENTION_ONLY_PUBLIC_TYPES =
      new ArchCondition<>("mention only JDK, JUnit and Committed public types") {
        @Override
        public void check(JavaCodeUnit m, ConditionEvents events) {
          java.util.List<com.tngtech.archunit.core.domain.JavaType> types = new java.util.ArrayList<>(m.getParameterTypes());
          types.add(m.getReturnType());
          types.stream().flatMap(t -> t.getAllInvolvedRawTypes().stream()).filter(raw -> !exposable(raw)).distinct()
              .forEach(raw -> events.add(SimpleConditionEvent.violated(m, m.getFullName() + " uses " + raw.getName())));
        }
      };

  @Test
  void publicSignaturesUseNoInternalType() {
    codeUnits().that().areDeclaredInClassesThat().arePublic().and(DescribedPredicate.describe("public or protected",
            (JavaCodeUnit m) -> m.getModifiers().contains(JavaModifier.PUBLIC)
                || m.getModifiers().contains(JavaModifier.PROTECTED)))
        .should(MENTION_ONLY_PUBLIC_TYPES).check(CLASSES);
  }
}
