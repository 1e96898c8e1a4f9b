package dev.tokensmith.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * The layers, checked on the compiled classes: packages depend on each other one way only, Vert.x
 * stays in the web layer and the {@code *Api} classes, and a feature's store is used by that
 * feature alone.
 */
class ArchitectureTest {
  private static final String APP = "dev.tokensmith.App";
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.tokensmith");

  @Test
  void packagesWhenComparedThenNoCycle() {
    slices().matching("dev.tokensmith.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void vertxWhenUsedThenOnlyInTheWebLayerAndApiClasses() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.tokensmith.web")
        .and()
        .haveSimpleNameNotEndingWith("Api")
        .and()
        .doNotHaveFullyQualifiedName(APP)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "io.netty..")
        .check(CLASSES);
  }

  @Test
  void storesWhenUsedThenOnlyByTheirOwnFeature() {
    classes()
        .that()
        .haveSimpleNameEndingWith("Store")
        .should(beUsedOnlyInTheirOwnPackageOrByApp())
        .check(CLASSES);
  }

  private static ArchCondition<JavaClass> beUsedOnlyInTheirOwnPackageOrByApp() {
    return new ArchCondition<>("be used only within their own feature (and wired by App)") {
      @Override
      public void check(JavaClass store, ConditionEvents events) {
        for (Dependency dependency : store.getDirectDependenciesToSelf()) {
          JavaClass user = dependency.getOriginClass();
          boolean own =
              user.getPackageName().equals(store.getPackageName()) || user.getName().equals(APP);
          if (!own) {
            events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
          }
        }
      }
    };
  }
}
